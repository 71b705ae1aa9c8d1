"""Developer tools run by make targets: `sample` (the sample inputs), `bench` (the
benchmark), `render_check` (every output converted by LibreOffice)."""
