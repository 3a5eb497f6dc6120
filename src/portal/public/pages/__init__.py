"""What each public page shows, assembled from the published versions (portal.publication's
selectors) as plain objects whose numbers are already written the Vietnamese way, so the
templates only print. Nothing here is per visitor: a page's content depends on its URL and
the language alone, which is what lets the views cache it (portal.public.views)."""
