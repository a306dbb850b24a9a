"""Tax-season batch: many returns in parallel, resumable, locally or on a Dask cluster.

    from taxdocs.batch.runner import run_batch
    tally = run_batch("season.jsonl", "out/")

Modules: `reader` (inputs -> records), `worker` (one record -> outputs; pure),
`engines` (local process pool, Dask), `state` (resume database), `summary`
(summary.csv / summary.html / errors.jsonl), `progress`, `pdf1099r` (Copy B PDF
-> scenario data). See docs/batch.md.
"""
