"""The narrative documents: `blocks` (a context's building blocks and shared wording) and
`render` (docx/HTML/PDF machinery) shared by one module per document kind: `quarterly`
(the quarter's report), `ntvt` (the good-deeds letter), `annual` (report, Tờ trình, draft
decision) and `review` (sơ kết / tổng kết)."""
