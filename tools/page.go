package tools

// Page is the list envelope every list tool returns.
type Page[T any] struct {
	Items      []T  `json:"items"`
	Total      *int `json:"total,omitempty" jsonschema:"description=Exact number of matching items; absent when it cannot be known without reading more than the bounded window"`
	Count      int  `json:"count"`
	Offset     int  `json:"offset"`
	Limit      int  `json:"limit"`
	HasMore    bool `json:"has_more"`
	NextOffset *int `json:"next_offset,omitempty" jsonschema:"description=Offset of the next page; absent on the last page"`
	// Note says what the page cannot show, when anything.
	Note string `json:"note,omitempty"`
}

// pageFrom cuts [offset, offset+limit) out of what was read. read holds
// every matching item when exact is true; otherwise at least one more than
// the page when more exist. It is the one place the envelope is computed.
func pageFrom[T, U any](read []T, offset, limit int, exact bool, view func(*T) U) Page[U] {
	p := Page[U]{Items: []U{}, Offset: offset, Limit: limit}
	for i := min(offset, len(read)); i < min(offset+limit, len(read)); i++ {
		p.Items = append(p.Items, view(&read[i]))
	}
	p.Count = len(p.Items)
	p.HasMore = len(read) > offset+limit
	if exact {
		total := len(read)
		p.Total = &total
	}
	if p.HasMore {
		next := offset + p.Count
		p.NextOffset = &next
	}
	return p
}
