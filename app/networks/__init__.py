"""Networks of organisations (coalitions; the ``network`` organisation kind) and the keyed
linkage tokens that let a network count people served by several members once.

- Membership is a platform fact, set by the operator (``haven network join|leave``); the
  app role may only read it.
- A member's client gets a token per network when their name and date of birth are entered
  (:func:`app.networks.linkage.refresh_tokens`, called by intake and identity changes):
  HMAC-SHA256 under the network's linkage key, derived from the network's own key in the
  key hierarchy, over the normalised name and date of birth. Never computed at report time,
  never from a decryption.
- Tokens stay in the member's tenant, never leave the server and appear in no output;
  pooled tables (:mod:`app.reports.network`) never show which member served whom.
- A member that leaves deletes its tokens for that network.
"""
