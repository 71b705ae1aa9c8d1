"""The mail channel: units' messages fetched from the Office mailbox over IMAP into
`inputs/<period>/`, replies and reminders sent over SMTP, each exactly once.

settings.py  the environment (and an optional mail.toml) -> MailSettings; TLS contexts
ledger.py    outputs/.mail/: append-only JSON-lines records, fsynced one by one; a run lock
route.py     one message -> the period folder(s) it belongs in and its file name there
fetch.py     `mail fetch`: the mailbox -> .eml files, the summary
compose.py   replies and reminders built as e-mail messages, with their content digest
send.py      `mail send` / `mail remind`: dry run into thu-gui/, or delivery over SMTP
remind.py    the units of a period with no accepted file, and the reminder text
commands.py  the `mail` command group (typer), Vietnamese help and summaries
"""
