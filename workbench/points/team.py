"""What the planner reads about the steward team and the needs pool, as tables: the team with
its skills and hours, open needs by skill, time from posting to confirmation, service hours
by month. Plain pandas: no widgets, no SQL (the panels that draw these are still to come)."""

from __future__ import annotations

import pandas as pd


def team_table(volunteers: list[dict], credits: list[dict]) -> pd.DataFrame:
    """One row per volunteer: code, skills, availability, approved service hours, tasks."""
    done = pd.DataFrame([c for c in credits if c["status"] == "approved"],
                        columns=["code_id", "minutes", "event_key"])
    tasks = done[done["event_key"].str.startswith("need:")].groupby("code_id").size()
    hours = done.groupby("code_id")["minutes"].sum() / 60
    rows = [{"code_id": v["code_id"], "skills": ", ".join(v["skills"]),
             "availability": v["availability"],
             "hours": round(float(hours.get(v["code_id"], 0.0)), 2),
             "tasks": int(tasks.get(v["code_id"], 0))} for v in volunteers]
    return pd.DataFrame(rows, columns=["code_id", "skills", "availability", "hours", "tasks"])


def open_by_skill(needs: list[dict]) -> pd.Series:
    """How many needs wait for a volunteer, by skill, most first."""
    skills = [n["skill"] for n in needs if n["status"] == "open"]
    return pd.Series(skills, dtype=object).value_counts().rename("open")


def time_to_fulfilment(events: list[dict]) -> pd.Series:
    """Hours from posting to confirmation of each confirmed need (by need id), from the
    needs' recorded moves."""
    frame = pd.DataFrame(events, columns=["need_id", "action", "at"])
    posted = frame[frame["action"] == "post"].groupby("need_id")["at"].min()
    confirmed = frame[frame["action"] == "confirm"].groupby("need_id")["at"].max()
    hours = (pd.to_datetime(confirmed) - pd.to_datetime(posted.reindex(confirmed.index)))
    return (hours.dt.total_seconds() / 3600).round(2).rename("hours")


def hours_by_month(credits: list[dict]) -> pd.Series:
    """Approved service hours by the month they were credited ('2026-12')."""
    frame = pd.DataFrame([c for c in credits if c["status"] == "approved"],
                         columns=["created_at", "minutes"])
    if frame.empty:
        return pd.Series(dtype=float, name="hours")
    months = pd.to_datetime(frame["created_at"]).dt.strftime("%Y-%m")
    return (frame.groupby(months)["minutes"].sum() / 60).round(2).rename("hours")
