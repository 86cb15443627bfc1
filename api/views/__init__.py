"""The API's views: each authorises, reads through a selector, calls one service
and answers; errors go through ``api.errors.exception_handler``."""
