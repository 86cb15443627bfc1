"""The published password of every demo account (``seed_demo``; never in production)."""

DEMO_PASSWORD = "onecenter-demo"
