/** A name that becomes part of a folder name (prefix, dataset): no path separators, not "." or "..". */
export const namePart = /^(?!\.\.?$)[^/\\]+$/;

export const namePartRule = "must not contain / or \\ (it becomes part of a folder name)";
