"""Development tools, kept out of the installed package: `make bench` (``python -m
benchmarks.bench``) and the example site's photo generator (``python -m benchmarks.synthetic``).

Run from the project root, where this folder is importable; not installed with site_builder, so
a change here never changes the builder version (see site_builder.records.builder_version).
"""
