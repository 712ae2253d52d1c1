"""The desktop app: PySide6 + pyqtgraph shells over simulator.core. All Qt code lives here."""
