"""Pre/post questionnaires: read answers in any common shape, compare items with the right tests.

    from issuemine.survey import read_answers, compare_items
    result = compare_items(read_answers("questionnaire.csv"))
    result.items  # one row per item; result.info; result.freetext

Figures are in ``issuemine.survey.figures``, free-text terms and theme coding in ``issuemine.survey.freetext``.
"""

from issuemine.survey.compare import COLUMNS, SurveyResult, compare_items
from issuemine.survey.read import SurveyData, read_answers, read_survey
from issuemine.survey.scales import Scale, Scales, load_scales, normalize_label

__all__ = ["COLUMNS", "Scale", "Scales", "SurveyData", "SurveyResult", "compare_items", "load_scales",
           "normalize_label", "read_answers", "read_survey"]
