"""The result views, one per tab. Each asks core for numbers and only draws them."""

from .candidates import CandidatesView
from .compare import CompareView
from .funnel import FunnelView
from .intersections import IntersectionsView
from .missed import MissedTalentView
from .rates import RatesView
from .review import ReviewView
from .rules import RulesView
from .study import StudyView

VIEW_CLASSES = (FunnelView, RatesView, IntersectionsView, MissedTalentView, RulesView, CandidatesView, CompareView,
                ReviewView, StudyView)

__all__ = ["VIEW_CLASSES", "FunnelView", "RatesView", "IntersectionsView", "MissedTalentView", "RulesView",
           "CandidatesView", "CompareView", "ReviewView", "StudyView"]
