"""The open case and everything done to it, without Qt (see docs/architecture.md)."""

from cned_viewer.session.case_session import STAGES, CaseSession
from cned_viewer.session.executor import SyncExecutor
from cned_viewer.session.opening import CaseSource
from cned_viewer.session.questions import Answers, Questions

__all__ = ["STAGES", "Answers", "CaseSession", "CaseSource", "Questions", "SyncExecutor"]
