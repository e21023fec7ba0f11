"""Model complexity (``mmengine.analysis``): FLOPs, activations and
parameters per module, and ``get_model_complexity_info``."""
from .complexity_analysis import (ActivationAnalyzer, FlopAnalyzer, activation_count,
                                  flop_count, parameter_count)
from .print_helper import (complexity_stats_str, complexity_stats_table,
                           get_model_complexity_info, parameter_count_table)

__all__ = ['ActivationAnalyzer', 'FlopAnalyzer', 'activation_count', 'complexity_stats_str',
           'complexity_stats_table', 'flop_count', 'get_model_complexity_info',
           'parameter_count', 'parameter_count_table']
