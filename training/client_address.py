"""The client's address for per-address limits (verify lookups, sign-in throttling).

Trusts X-Forwarded-For only as far as ``CERTIFICATE_VERIFY_PROXY_COUNT`` proxies;
IPv6 clients are counted per /64, the block one household or office gets.
"""

import ipaddress

from django.conf import settings


def client_address(request) -> str:
    """The client's address, trusting X-Forwarded-For only as far as configured."""
    address = request.META.get("REMOTE_ADDR", "")
    proxies = int(getattr(settings, "CERTIFICATE_VERIFY_PROXY_COUNT", 0))
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return "unknown"
    if ip.version == 6:
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)
