#!/usr/bin/env python
"""Django's command-line utility for the DTI portal.

A setting that cannot be used (a malformed DTI_DATABASE_URL, a missing DTI_SECRET_KEY in
production) stops every command with one line naming it and exit status 2, the status the
portal's commands give when their input cannot be used; not with a traceback."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as error:
        sys.stderr.write(f"Lỗi cấu hình: {error}\n")
        sys.exit(2)
