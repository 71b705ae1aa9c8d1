"""The consolidated workbooks: `sheets` (the sheet framework) and `columns` (headers, kinds,
fills) shared by one module per workbook: `quarterly`, `annual`, `review`. `streamed` writes
big sheets row by row; `remote_book` lets a worker process write the cells."""
