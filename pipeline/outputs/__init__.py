"""Outputs: the report objects of `pipeline.model` in, the files people and machines read out.

`workbooks/` writes the consolidated workbooks (xlsxwriter), `documents/` the narrative
reports (docx via docxtpl, HTML via jinja2, PDF via LibreOffice), `feedback` the annotated
copies of units' files and the reply texts, `templates` the blank unit workbook, `publish`
the data files and the atomic swap of an output folder, `manifest` the manifest.json.
"""
