"""Study work: policies, study plans, courses, sessions, consent, presence and certificates
(S1-S16).

The rules live in ``attendance.rules``; these models only hold what happened. Presence is
kept as intervals per meeting (S16), never as one yes/no per meeting.
"""

from attendance.models.certificates import (
    AttendanceListConfirmation,
    Certificate,
    CertificateRun,
    CertificateStatus,
    RunStatus,
)
from attendance.models.courses import (
    ANNOUNCED_STATUSES,
    COURSE_ADMIN_GROUP,
    FINISHED_STATUSES,
    Course,
    CourseSession,
    CourseStatus,
    Exemption,
    ExemptionDecision,
    ExemptionGround,
)
from attendance.models.policies import (
    Rounding,
    ShareBase,
    StudyChapter,
    StudyPlan,
    StudyPolicy,
    SubsidyRate,
)
from attendance.models.presence import (
    CHECKIN_OPENS_BEFORE,
    CORRECTION_REASON_LENGTH,
    Consent,
    Presence,
    PresenceCorrection,
    PresenceSource,
)
from attendance.models.quarters import ImmutableRecord, QuarterClosing

__all__ = [
    "ANNOUNCED_STATUSES",
    "CHECKIN_OPENS_BEFORE",
    "CORRECTION_REASON_LENGTH",
    "COURSE_ADMIN_GROUP",
    "FINISHED_STATUSES",
    "AttendanceListConfirmation",
    "Certificate",
    "CertificateRun",
    "CertificateStatus",
    "Consent",
    "Course",
    "CourseSession",
    "CourseStatus",
    "Exemption",
    "ExemptionDecision",
    "ExemptionGround",
    "ImmutableRecord",
    "Presence",
    "PresenceCorrection",
    "PresenceSource",
    "QuarterClosing",
    "Rounding",
    "RunStatus",
    "ShareBase",
    "StudyChapter",
    "StudyPlan",
    "StudyPolicy",
    "SubsidyRate",
]
