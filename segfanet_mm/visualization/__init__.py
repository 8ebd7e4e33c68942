from .panels import colorize, make_panel

__all__ = ['colorize', 'make_panel']
