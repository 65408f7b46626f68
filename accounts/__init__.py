"""Ground floor: the User (custom), roles, pods, and who sees which client (permissions.py)."""
