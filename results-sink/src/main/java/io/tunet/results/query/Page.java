package io.tunet.results.query;

import java.util.List;

/**
 * One page of a query's results.
 *
 * @param page  zero-based page number
 * @param size  page size asked for
 * @param total rows matching the query on all pages
 * @param items this page's rows
 */
public record Page<T>(int page, int size, long total, List<T> items) {
}
