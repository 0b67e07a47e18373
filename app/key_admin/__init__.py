"""Key administration across organisations: status, rotation, retirement and verification
(the ``haven keys`` commands). Never on a request path.

Kept apart from :mod:`app.keys` (the key hierarchy every request uses) because it works on
every domain's sealed tables and rewrites the clients' blind indexes when a tenant key
rotates: it sits above the domains, :mod:`app.keys` below them.
"""
