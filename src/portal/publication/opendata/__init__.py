"""Open data of a published version: its tables as files (`files`), the data package that
describes them (`package`), and the reads behind the public API and the sitemap
(`catalogue`). docs/portal-open-data.md."""
