// SwiftPM builds a C target from at least one source file; the header has all there is.
#include "CLoad.h"
