"""The member jourer: phones, opening hours, services, languages; the public "Få stöd" site."""
