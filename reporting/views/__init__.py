"""Reporting's pages, one module per family; `reporting.urls` imports the modules.

- ``reports``: a region's annual report: the list, the form, the workflow, XLSX download and upload.
- ``national``: the national office's pages: validation rules, the national comparison, years and
  their form fields.
"""
