"""Settings for running the platform on one machine with demo content."""

import contextlib

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DJANGO_DEBUG", True)
# A fixed key is fine for a local demo: nothing signed with it leaves this machine.
SECRET_KEY = os.environ.get(  # noqa: F405
    "DJANGO_SECRET_KEY", "dev-only-insecure-key-not-for-production-use-0123456789"
)
DEMO_MODE = True
# The content security policy is reported (browser console), not enforced, here.
CONTENT_SECURITY_POLICY_REPORT_ONLY = CONTENT_SECURITY_POLICY  # noqa: F405
CONTENT_SECURITY_POLICY = None

# Verify links and QR codes follow the address the site is served at (make run
# PORT=8101 prints 8101), unless WAGTAILADMIN_BASE_URL says otherwise.
CERTIFICATE_BASE_URL_FROM_REQUEST = "WAGTAILADMIN_BASE_URL" not in os.environ  # noqa: F405

with contextlib.suppress(ImportError):
    from .local import *  # noqa: F403
