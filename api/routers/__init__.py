"""One module per resource. Routes are thin: parse, authorise, call a service, shape the response."""
