"""One module per area of the API; `aida.api.main` mounts their routers under /api."""
