"""What only the development loop needs: hot reload, list_changed, the Refresh ledger and diff, the preview page."""
