settings = nil
