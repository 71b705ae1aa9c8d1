"""Intake: a period folder in, accepted rows and findings out.

`discover` lists the period's files (saved e-mails opened into their attachments), `readers`
reads each hostile workbook in a small pool of resource-limited workers, `parse` locates
sheets, header rows and columns tolerantly, `validate` parses cells and checks constraints
(pandera), `rules` applies the cross-column, cross-row and cross-period rules and keeps the
exemplar registry, `period` takes a whole period in (covers, the winning file per unit,
council adjustments, submission statuses) and `cache` keeps earlier periods' intake.
Leaves: `period.Intake` (frames of accepted rows, findings, statuses, the registry).
"""
