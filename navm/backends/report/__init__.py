"""Reports on compiled circuits: the schedule as data, a table for people, an SVG picture."""

from navm.backends.report.schedule import ScheduleReport, schedule_report

__all__ = ["ScheduleReport", "schedule_report"]
