"""The mail channel: fetching units' messages from the Office mailbox and sending replies
and reminders (filled by the mail issue)."""
