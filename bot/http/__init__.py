"""The one aiohttp server: routes, app keys, metrics and the request log."""
