"""The published credentials of the demo accounts (seed_demo; never in production)."""

DEMO_PASSWORD = "onecenter-demo"
# The authenticator-app key (base32, time-based, 6 digits, 30 s) of every demo staff
# account: add it once to any authenticator app, or run `manage.py demo_otp clerk`.
DEMO_TOTP_SECRET = "ONECENTERDEMOSTAFFSECONDFACTOR23"
