-- govnet inventory, schema version 4: the GB/T 22239-2019 clauses of every baseline control at
-- every level, and the two dates the 30-day filing window (公通字[2007]43号 art. 15) starts from.

-- JSON arrays: the clauses as parsed from inventory/baselines ({number, heading, items, text}),
-- and the other references (laws, GB/T 39786-2021, govnet design) as text.
ALTER TABLE baseline_controls ADD COLUMN clauses TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(clauses));
ALTER TABLE baseline_controls ADD COLUMN refs TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(refs));
-- The rows are re-read from the data files on the next writable open.
DELETE FROM meta WHERE key = 'baselines_sha256';

-- Date (YYYY-MM-DD) the system was graded (定级), and the date it went live (投入运行).
ALTER TABLE tenants ADD COLUMN graded_on TEXT;
ALTER TABLE tenants ADD COLUMN live_on TEXT;
