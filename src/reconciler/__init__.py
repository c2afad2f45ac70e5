"""The background job: reconcile every account's transactions through the API."""
