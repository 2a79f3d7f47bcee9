-- A neutralized copy of a database must never talk to the production Xero organisations.
UPDATE xero_connection
   SET access_token = NULL,
       refresh_token = NULL,
       oauth_state = NULL,
       oauth_verifier = NULL,
       client_secret = NULL,
       token_expires_at = NULL,
       state = 'disconnected';
