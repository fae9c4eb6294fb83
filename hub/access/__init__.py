"""Who may do what: staff API tokens, staff logins, login throttling and rate limits."""
