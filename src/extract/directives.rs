//! Parses info-string directives and the comment conventions of other tools (to be written).
