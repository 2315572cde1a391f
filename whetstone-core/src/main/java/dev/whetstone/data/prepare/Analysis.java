package dev.whetstone.data.prepare;

import java.util.List;

/** One check of the data; it may suggest fixes. Runs after the fixes of the analyses before it were decided. */
interface Analysis {
    List<Finding> analyse(Dataset data, PrepareContext context);
}
