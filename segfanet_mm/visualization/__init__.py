from .panels import colorize, make_comparison, make_panel

__all__ = ['colorize', 'make_comparison', 'make_panel']
