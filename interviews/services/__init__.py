"""Writes of interviews: `arrange` (the counselor), `parties` (each party from its link),
`outcomes` (attendance and what became of it), `meetings` (one meeting, each party's own
way in). Every change writes its event through `events.interview_event_record`."""
