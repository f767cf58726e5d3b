"""The switch: the `asw` core, the init code, the picker."""
