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
    COURSE_ADMIN_GROUP,
    Course,
    CourseSession,
    CourseStatus,
    Exemption,
    ExemptionDecision,
    ExemptionGround,
)
from attendance.models.policies import (
    Rounding,
    StudyChapter,
    StudyPlan,
    StudyPolicy,
    SubsidyRate,
)
from attendance.models.presence import (
    Consent,
    Presence,
    PresenceCorrection,
    PresenceSource,
)

__all__ = [
    "COURSE_ADMIN_GROUP",
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
    "Presence",
    "PresenceCorrection",
    "PresenceSource",
    "Rounding",
    "RunStatus",
    "StudyChapter",
    "StudyPlan",
    "StudyPolicy",
    "SubsidyRate",
]
