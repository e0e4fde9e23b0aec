"""Tests of pypioncouch.emulator, one module per emulator module."""
