"""URL converters. ``id`` is a database id: at most 18 digits, so an absurd number
in an address is a 404 rather than an integer overflow in the database driver."""

from django.urls.converters import IntConverter


class IdConverter(IntConverter):
    regex = "[0-9]{1,18}"
