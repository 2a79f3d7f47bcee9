-- A neutralized copy of a database must never talk to the production Xero organisations.
DELETE FROM xero_token;
UPDATE xero_connection
   SET token_id = NULL,
       oauth_state = NULL,
       oauth_verifier = NULL,
       client_secret = NULL,
       webhook_key = NULL,
       state = 'disconnected';
