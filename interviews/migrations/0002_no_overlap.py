"""
A scheduled interview never overlaps another of the same counselor (when they attend),
job seeker or employer, enforced by PostgreSQL (SQLite, the embedded default, has no
exclusion constraints: the office's lock serializes there).
"""

from django.db import migrations

FORWARD = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE interviews_interview ADD CONSTRAINT interview_counselor_no_overlap
    EXCLUDE USING gist (counselor_id WITH =, tstzrange("start", "end", '[)') WITH &&)
    WHERE (status = 'scheduled' AND counselor_attends);
ALTER TABLE interviews_interview ADD CONSTRAINT interview_applicant_no_overlap
    EXCLUDE USING gist (applicant_id WITH =, tstzrange("start", "end", '[)') WITH &&)
    WHERE (status = 'scheduled');
ALTER TABLE interviews_interview ADD CONSTRAINT interview_employer_no_overlap
    EXCLUDE USING gist (employer_id WITH =, tstzrange("start", "end", '[)') WITH &&)
    WHERE (status = 'scheduled');
"""

BACKWARD = """
ALTER TABLE interviews_interview DROP CONSTRAINT IF EXISTS interview_counselor_no_overlap;
ALTER TABLE interviews_interview DROP CONSTRAINT IF EXISTS interview_applicant_no_overlap;
ALTER TABLE interviews_interview DROP CONSTRAINT IF EXISTS interview_employer_no_overlap;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("interviews", "0001_initial")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
