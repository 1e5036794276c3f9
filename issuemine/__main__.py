from issuemine.cli.main import main

raise SystemExit(main())
