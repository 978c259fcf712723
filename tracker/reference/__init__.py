"""Reference sets: PAM_ID and long-layout readers (pam_id), sets in the database (sets),
and the reads that feed the comparison (data)."""
